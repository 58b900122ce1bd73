import { describe, expect, it } from 'vitest';
import { OscDecodeError, decodeOscMessage, encodeOscMessage, type OscMessage } from './osc-codec.js';

function hex(buffer: Buffer): string {
  return buffer.toString('hex');
}

describe('encodeOscMessage', () => {
  it('encodes a float argument as in the OSC 1.0 specification example', () => {
    // "/oscillator/4/frequency" ,f 440.0 (spec-1_0 "Examples").
    const packet = encodeOscMessage({
      address: '/oscillator/4/frequency',
      args: [{ type: 'f', value: 440 }],
    });
    expect(hex(packet)).toBe('2f6f7363696c6c61746f722f342f6672657175656e637900' + '2c660000' + '43dc0000');
  });

  it('encodes int, string, blob, booleans and nil with 4-byte alignment', () => {
    const packet = encodeOscMessage({
      address: '/foo',
      args: [
        { type: 'i', value: 1000 },
        { type: 'i', value: -1 },
        { type: 's', value: 'hello' },
        { type: 'b', value: new Uint8Array([1, 2, 3]) },
        { type: 'T' },
        { type: 'F' },
        { type: 'N' },
      ],
    });
    expect(hex(packet)).toBe(
      '2f666f6f00000000' + // "/foo" + 4 NULs
        '2c696973625446 4e00000000'.replace(/ /g, '') + // ",iisbTFN" + NUL padding
        '000003e8' +
        'ffffffff' +
        '68656c6c6f000000' +
        '00000003' +
        '01020300',
    );
    expect(packet.length % 4).toBe(0);
  });

  it('encodes a message without arguments with an empty type tag', () => {
    expect(hex(encodeOscMessage({ address: '/live/song/get/tempo', args: [] }))).toBe(
      '2f6c6976652f736f6e672f6765742f74656d706f000000' + '00' + '2c000000',
    );
  });
});

describe('decodeOscMessage', () => {
  it('decodes what it encodes', () => {
    const message: OscMessage = {
      address: '/live/song/get/tempo',
      args: [
        { type: 'f', value: 120.5 },
        { type: 'i', value: 7 },
        { type: 's', value: 'Grüße' },
        { type: 'b', value: new Uint8Array([9, 8, 7, 6, 5]) },
        { type: 'T' },
        { type: 'F' },
        { type: 'N' },
        { type: 'd', value: 0.1 },
        { type: 'h', value: 2n ** 40n },
      ],
    };
    expect(decodeOscMessage(encodeOscMessage(message))).toEqual(message);
  });

  it('accepts a message without a type tag string', () => {
    expect(decodeOscMessage(Buffer.from('2f61626300000000', 'hex'))).toEqual({ address: '/abc', args: [] });
  });

  const malformed: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['not a multiple of 4', Buffer.from('2f6100', 'hex')],
    ['unterminated address', Buffer.from('2f616263', 'hex')],
    ['bundle', Buffer.from('#bundle\0\0\0\0\0\0\0\0\x01', 'latin1').subarray(0, 16)],
    ['missing comma', Buffer.from('2f610000' + '69000000' + '00000001', 'hex')],
    ['truncated int', Buffer.from('2f610000' + '2c690000', 'hex')],
    ['unknown tag', Buffer.from('2f610000' + '2c7a0000' + '00000001', 'hex')],
    ['trailing bytes', Buffer.from('2f610000' + '2c000000' + '00000001', 'hex')],
    ['negative blob length', Buffer.from('2f610000' + '2c620000' + 'ffffffff', 'hex')],
    ['blob length past the end', Buffer.from('2f610000' + '2c620000' + '7fffffff' + '00000000', 'hex')],
    ['string padding past the end', Buffer.from('2f610000' + '2c730000' + '61626300', 'hex').subarray(0, 11)],
    ['oversized', Buffer.alloc(65_004, 0x2f)],
  ];
  for (const [name, packet] of malformed) {
    it(`refuses a malformed packet: ${name}`, () => {
      expect(() => decodeOscMessage(packet)).toThrow(OscDecodeError);
    });
  }
});
