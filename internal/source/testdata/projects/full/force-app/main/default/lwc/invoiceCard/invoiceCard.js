import { LightningElement, api } from 'lwc';
import { formatAmount } from 'c/formatUtils';

export default class InvoiceCard extends LightningElement {
    @api invoice;

    get amount() {
        return formatAmount(this.invoice?.Amount__c);
    }
}
