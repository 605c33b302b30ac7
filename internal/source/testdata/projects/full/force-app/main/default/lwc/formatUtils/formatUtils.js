export { formatAmount } from './lib/amount';
