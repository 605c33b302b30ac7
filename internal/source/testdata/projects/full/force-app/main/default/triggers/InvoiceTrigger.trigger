trigger InvoiceTrigger on Invoice__c (before insert, before update) {
    for (Invoice__c inv : Trigger.new) {
        if (inv.Status__c == null) {
            inv.Status__c = 'Draft';
        }
    }
}
