import type { Area } from '../area';

export const citizenArea: Area = {
  page: () => null,
  nav: () => [],
};
