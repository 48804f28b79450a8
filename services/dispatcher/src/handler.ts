import { createContext, loadConfig, makeHandler } from './app';

export const handler = makeHandler(createContext(loadConfig()));
