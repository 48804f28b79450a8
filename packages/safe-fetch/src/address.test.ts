import { describe, expect, it } from 'vitest';
import { addressProblem } from './address';

describe('addresses a safe fetch may connect to', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '198.18.0.1',
    '240.0.0.1',
    '192.0.2.1',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::a00:1',
    '2002:7f00:1::1',
    '2001::1',
    '2001:db8::1',
    '::ffff:0:7f00:1',
  ])('refuses %s', (address) => {
    expect(addressProblem(address)).toBeDefined();
  });

  it.each(['93.184.215.14', '1.1.1.1', '8.8.8.8', '::ffff:93.184.215.14', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e'])(
    'accepts the public address %s',
    (address) => {
      expect(addressProblem(address)).toBeUndefined();
    },
  );

  it('refuses what is not an address at all', () => {
    expect(addressProblem('localhost')).toBe('not an IP address');
  });
});
