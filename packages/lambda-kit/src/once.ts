/** A value made on first use and kept: per Lambda container, since contexts live that long. */
export const once = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
