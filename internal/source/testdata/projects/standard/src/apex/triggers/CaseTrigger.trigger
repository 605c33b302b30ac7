trigger CaseTrigger on Case (after insert) {
}
