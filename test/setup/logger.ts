// Every test process needs the @livekit/agents logger initialised before any AvatarSession is built.
import { initializeLogger } from '@livekit/agents';

initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });
