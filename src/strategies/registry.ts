// The one list of strategies. The option type, the detection order, the probe's shapes and the
// construction in AvatarSession all derive from it.

/**
 * Every concrete strategy, richest first: `auto` tries them in this order and steps down only when the
 * API refuses a shape. `shapeKey` is the top-level body key a bring-your-own-room shape adds (its refusal
 * means the API does not know the shape); hosted has none (Runway's documented flow always works).
 */
export const STRATEGY_REGISTRY = [
  { name: 'integration', shapeKey: 'integration', byo: true },
  { name: 'livekit', shapeKey: 'livekit', byo: true },
  { name: 'hosted', shapeKey: undefined, byo: false },
] as const;

/** A concrete strategy. @public */
export type StrategyName = (typeof STRATEGY_REGISTRY)[number]['name'];

/** A bring-your-own-room strategy (Runway's worker joins the agent's room). */
export type ByoStrategyName = Extract<(typeof STRATEGY_REGISTRY)[number], { byo: true }>['name'];

/** Strategy names in detection order. */
export const DETECTION_ORDER: readonly StrategyName[] = STRATEGY_REGISTRY.map((s) => s.name);

/** The bring-your-own-room shapes, richest first (what the probe asks about). */
export const BYO_STRATEGIES: readonly ByoStrategyName[] = STRATEGY_REGISTRY.flatMap((s) =>
  s.byo ? [s.name] : [],
);

/** Values of the `strategy` option: every strategy, or `'auto'`. */
export const STRATEGY_OPTIONS = ['auto', ...DETECTION_ORDER] as const;
