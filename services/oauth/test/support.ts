export { accessToken, Browser, countingFetch, expireStoredAccessToken, login, readStoredSession } from '@chronopost/testing';
