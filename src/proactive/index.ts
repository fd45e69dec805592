export { birthEventsService, type BirthEvent } from './births.js';
export { acceptBySms, acceptOffer, listOffers, parseSmsConsent, type Consent, type OfferView, type ProactiveDeps } from './offers.js';
