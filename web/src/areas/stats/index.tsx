import type { Area } from '../area';

export const statsArea: Area = {
  page: () => null,
  nav: () => [],
};
