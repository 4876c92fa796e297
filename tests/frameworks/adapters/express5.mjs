// Express 5 (npm alias `express5` -> express@5) with the cors package.
import { expressAdapter } from './_express-app.mjs';

export const id = 'express5';
const a = expressAdapter('express5');
export const setup = a.setup;
export const start = a.start;
