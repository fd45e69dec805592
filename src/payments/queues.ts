/** Queue names shared with the workflow, kept apart so neither module needs the other's code to name them. */
export const WEBHOOK_QUEUE = 'payment.demo.webhook';
export const REFUND_QUEUE = 'payment.refund';
