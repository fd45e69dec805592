import type { Area } from '../area';

export const operatorArea: Area = {
  page: () => null,
  nav: () => [],
};
