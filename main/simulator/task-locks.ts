/**
 * Requests on one Task run one after the other (architecture §6: no lost update). Each operation is a
 * read-modify-write that may await crypto (signing the receipt), so a per-task promise chain is needed
 * on top of the repository's own atomicity.
 */
export class TaskLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(taskId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(taskId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(taskId, tail);
    // Forget the chain once it is idle, so the map does not grow with every Task ever touched.
    void tail.then(() => {
      if (this.tails.get(taskId) === tail) this.tails.delete(taskId);
    });
    return result;
  }
}
