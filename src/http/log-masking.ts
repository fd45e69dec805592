/**
 * National identifiers never reach a log line whole. Long digit runs (IIN, BIN, PINFL, T.C. Kimlik No, PIN: 10 to 14
 * digits; 7 or more are masked) and Azerbaijan's FIN (7 capital letters and digits, at least one digit) keep their
 * first two characters only.
 */
const DIGIT_RUN = /\d{7,}/g;
const FIN = /(?<![A-Za-z0-9])(?=[A-Z]*\d)[0-9A-Z]{7}(?![A-Za-z0-9])/g;

const mask = (value: string) => `${value.slice(0, 2)}…***`;

export function maskIdentifiers(text: string): string {
  return text.replace(DIGIT_RUN, mask).replace(FIN, mask);
}
