import { createElement } from 'lwc';
import InvoiceCard from 'c/invoiceCard';

describe('c-invoice-card', () => {
    it('renders', () => {
        const el = createElement('c-invoice-card', { is: InvoiceCard });
        document.body.appendChild(el);
        expect(el).not.toBeNull();
    });
});
