trigger AccountTrigger on Account (before insert, before update) {
    AccountService.normalizeNames(Trigger.new);
}
