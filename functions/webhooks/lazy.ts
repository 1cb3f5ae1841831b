/**
 * A handler built from deps that are only known at the first invocation (the composition root is built lazily, so
 * importing the app never reads settings). Built once per deps object.
 */
export function lazyHandler<D extends object, H>(deps: () => D, make: (deps: D) => H): () => H {
  const built = new WeakMap<D, H>();
  return () => {
    const d = deps();
    let h = built.get(d);
    if (h === undefined) {
      h = make(d);
      built.set(d, h);
    }
    return h;
  };
}
