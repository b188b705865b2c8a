import { describe, expect, it } from 'vitest';
import { isClientEvent, isTranscription } from '../../src/events.js';

describe('Runway data messages', () => {
  it('recognises a client event of a tool, with or without arguments', () => {
    expect(isClientEvent({ type: 'client_event', tool: 'show_card', args: { title: 'Hi' } })).toBe(
      true,
    );
    expect(isClientEvent({ type: 'client_event', tool: 'ping' })).toBe(true);
  });

  it('leaves out Runway’s acknowledgements and malformed messages', () => {
    expect(
      isClientEvent({ type: 'client_event', tool: 'show_card', args: { status: 'event_sent' } }),
    ).toBe(false);
    expect(isClientEvent({ type: 'client_event', args: {} })).toBe(false);
    expect(isClientEvent({ type: 'client_event', tool: 'x', args: [1] })).toBe(false);
    expect(isClientEvent({ type: 'client_event', tool: 'x', args: 'text' })).toBe(false);
    expect(isClientEvent({ type: 'transcription', tool: 'x' })).toBe(false);
  });

  it('tells transcriptions apart', () => {
    expect(isTranscription({ type: 'transcription', role: 'user', text: 'hi' })).toBe(true);
    expect(isTranscription({ type: 'client_event', tool: 'x' })).toBe(false);
  });
});
