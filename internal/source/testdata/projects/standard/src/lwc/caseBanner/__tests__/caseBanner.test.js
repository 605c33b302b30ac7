describe('c-case-banner', () => { it('exists', () => {}); });
