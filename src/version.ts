// The package's name and version, for the User-Agent header: one source, no build-time globals.
// test/unit/version.test.ts keeps VERSION equal to package.json's version.

/** npm name of this package. @public */
export const PACKAGE_NAME = 'livekit-agents-runway';
/** Version of this package. @public */
export const VERSION = '0.1.0';
/** User-Agent sent on every Runway API request. */
export const USER_AGENT = `${PACKAGE_NAME}/${VERSION}`;
