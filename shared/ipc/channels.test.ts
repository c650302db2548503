import { describe, expect, it } from 'vitest';
import { channelOf, channels, EVENT_CHANNEL, isChannel, perBridgeMethod } from './channels';
import { contract } from './contract';

describe('IPC channel names', () => {
  it('are exactly the channels of the contract, in its order', () => {
    expect(Object.keys(contract)).toEqual([...channels]);
    expect(new Set(channels).size).toBe(channels.length);
  });

  it('map bridge methods to channels and nothing else', () => {
    expect(channelOf('scanCode')).toBe('erx:scanCode');
    expect(channelOf('trainerPatientView')).toBe('erx:trainerPatientView');
    for (const method of ['event', 'constructor', 'toString', '__proto__', 'scancode', '']) expect(channelOf(method)).toBeUndefined();
    expect(isChannel(EVENT_CHANNEL)).toBe(false);
  });

  it('give one member per bridge method, made from its channel', () => {
    const table = perBridgeMethod((channel) => `made for ${channel}`);
    expect(Object.keys(table)).toEqual(channels.map((c) => c.slice('erx:'.length)));
    expect(table.getAppInfo).toBe('made for erx:getAppInfo');
    expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
  });
});
