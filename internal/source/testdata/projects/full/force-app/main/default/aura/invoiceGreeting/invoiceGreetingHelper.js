({
    greet: function (component) {
        component.set('v.name', 'Finance');
    }
})
