export { DELIVER_QUEUE, deliverNotification, listNotifications, notify, type Message, type NotificationView } from './outbox.js';
