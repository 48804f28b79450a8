import { DEFAULT_VIDEO_SERVICE_PDS_HOSTS } from '@chronopost/core';
import * as z from 'zod';

/**
 * Where videos go: which accounts' PDSes use Bluesky's video service (host names, a host covers
 * the hosts below it; `*` every PDS; empty none), and the service's address and DID. The media
 * Lambda needs the hosts (what a direct upload cannot take is refused at upload), the publisher all three.
 */
export const videoHostsEnvShape = {
  VIDEO_SERVICE_PDS_HOSTS: z
    .string()
    .default(DEFAULT_VIDEO_SERVICE_PDS_HOSTS.join(','))
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((host) => host === '*' || /^[a-z0-9.-]+$/.test(host)), 'must be host names separated by commas, or *'),
};

export const videoServiceEnvShape = {
  ...videoHostsEnvShape,
  VIDEO_SERVICE_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the video service' })
    .default('https://video.bsky.app')
    .transform((url) => url.replace(/\/+$/, '')),
  VIDEO_SERVICE_DID: z
    .string()
    .regex(/^did:[a-z]+:[A-Za-z0-9._:%-]+$/, 'must be the DID of the video service (did:web:video.bsky.app)')
    .default('did:web:video.bsky.app'),
};

export const toVideoServiceConfig = (env: { VIDEO_SERVICE_PDS_HOSTS: string[]; VIDEO_SERVICE_URL: string; VIDEO_SERVICE_DID: string }) => ({
  pdsHosts: env.VIDEO_SERVICE_PDS_HOSTS,
  url: env.VIDEO_SERVICE_URL,
  did: env.VIDEO_SERVICE_DID,
});
export type VideoServiceConfig = ReturnType<typeof toVideoServiceConfig>;
