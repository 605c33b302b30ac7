({
    init: function (component, event, helper) {
        helper.greet(component);
    }
})
