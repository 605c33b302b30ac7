window.invoiceConfig = { currency: 'USD', decimals: 2 };
