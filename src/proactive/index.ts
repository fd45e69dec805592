export { birthEventsService, type BirthEvent } from './births.js';
export { acceptBySms, acceptOffer, acceptOfferOnce, listOffers, parseSmsConsent, type Consent, type OfferAccepted, type OfferView, type ProactiveDeps } from './offers.js';
