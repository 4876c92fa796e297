// Express 4 (npm `express`) with the cors package.
import { expressAdapter } from './_express-app.mjs';

export const id = 'express';
const a = expressAdapter('express');
export const setup = a.setup;
export const start = a.start;
