/**
 * For the "input must not stop the service" tests: an outcome hook that throws on its
 * first call and records the rest, and a watch on unhandled promise rejections.
 */
export function throwsOnce<T>(): { outcomes: T[]; hook: (_key: unknown, outcome: T) => void } {
  const outcomes: T[] = [];
  let first = true;
  return {
    outcomes,
    hook: (_key, outcome) => {
      if (first) {
        first = false;
        throw new Error('a hook failed');
      }
      outcomes.push(outcome);
    },
  };
}

export function watchUnhandled(): { seen: () => string[]; stop: () => void } {
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  return { seen: () => unhandled.map(String), stop: () => process.off('unhandledRejection', onUnhandled) };
}
