export { DELIVER_QUEUE, DISPATCH_QUEUE, deliverNotification, dispatchNotification, listNotifications, markNotificationsRead, notify, notificationWrites, type Message, type NotificationView } from './outbox.js';
export { channelsFromConfig, httpSmsChannel, smtpChannel, type Channel, type OutgoingMessage } from './channels.js';
