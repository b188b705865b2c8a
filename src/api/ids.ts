// Identifier shapes shared by the client, the options and the strategies: UUIDs of any version.

/**
 * Any RFC 9562 UUID (8-4-4-4-12 hex digits, any version or variant). Session ids are matched with this:
 * Runway documents v4 today, but a session whose id is a v7 must still be retrievable and cancellable.
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID v4, exactly Runway's pattern for the ids it documents (custom `avatarId`). */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID of any version. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** True when `value` is a UUID v4. */
export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}
