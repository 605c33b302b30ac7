export function formatAmount(value) {
    return value == null ? '' : `$${Number(value).toFixed(2)}`;
}
