import type { Area } from '../area';

export const officerArea: Area = {
  page: () => null,
  nav: () => [],
};
