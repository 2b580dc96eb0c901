/**
 * A mutation's change and its audit event commit together or not at all: the recorder opens one
 * transaction on the request's entity manager before execution, the resolvers write through it
 * (each root field under a savepoint, src/resolvers/mutation-savepoint.ts), and the event is
 * appended inside it before it commits. A failed append or commit rolls everything back.
 *
 * An open mutation holds a pooled connection until its response, and its resolvers may need a
 * second one (new data keys commit on their own, so a key is durable before anything is sealed
 * under it). The gate lets at most half the pool hold mutation transactions at once, so mutations
 * waiting for a second connection can never starve each other; the rest wait before opening theirs.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export class MutationGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  static forPool(em: EntityManager): MutationGate {
    const max = (em.config.get('pool') as { max?: number } | undefined)?.max ?? 10;
    return new MutationGate(Math.max(1, Math.floor(max / 2)));
  }

  async enter(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    // The slot passes straight from the leaving holder to the next in line.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/** Opens the request's transaction; the gate slot is held until `endMutation`. */
export async function beginMutation(em: EntityManager, gate: MutationGate): Promise<void> {
  await gate.enter();
  try {
    await em.begin();
  } catch (err) {
    gate.leave();
    throw err;
  }
}

/** Commits, or rolls back when `commit` is false or the commit fails; always frees the slot. */
export async function endMutation(em: EntityManager, gate: MutationGate, commit: boolean): Promise<void> {
  try {
    if (commit) await em.commit();
    else await em.rollback();
  } catch (err) {
    if (commit && em.getTransactionContext()) await em.rollback().catch(() => {});
    throw err;
  } finally {
    gate.leave();
  }
}
