export { cancelOpenInvoice, invoiceWrites, demoCheckout, paymentOfApplication, ledger, listMyInvoices, sendDemoWebhook, startPayment, type InvoiceView, type LedgerEntry, type PaymentsDeps, type WebhookSender } from './payments.js';
export { applyPaymentEvent } from './webhook.js';
export { refundApplicationFee } from './refunds.js';
export { DEMO_PROVIDER, SIGNATURE_HEADER, signWebhook, verifyWebhook, WEBHOOK_PATH, type PaymentEvent } from './demo-provider.js';
export { formatMoney } from './money.js';
export { REFUND_QUEUE, WEBHOOK_QUEUE } from './queues.js';
