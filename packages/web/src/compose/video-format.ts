import { formatNumber } from '../i18n';

/** 3 000 ms → "0:03", 125 000 ms → "2:05": a video's length as players show it. */
export const formatDuration = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** A file's size in the interface language: bytes below a kilobyte, kB below a megabyte, MB (one decimal below ten) above. */
export const formatSize = (bytes: number) =>
  bytes < 1000
    ? formatNumber(bytes, { style: 'unit', unit: 'byte', unitDisplay: 'long' })
    : bytes < 1_000_000
      ? formatNumber(Math.round(bytes / 1000), { style: 'unit', unit: 'kilobyte' })
      : formatNumber(bytes / 1_000_000, { style: 'unit', unit: 'megabyte', maximumFractionDigits: bytes < 10_000_000 ? 1 : 0 });
