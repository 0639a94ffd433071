// The `keyupdate` event from the core's per-direction KEY_UPDATED events (RFC 9001 §6).

/**
 * Key generations installed per direction. The core reports each direction's switch; an
 * update is one event for the application. Our send keys move first when we start it, our
 * receive keys first when the peer does (§6.2); the second direction catching up completes
 * the same generation.
 */
export class KeyGenerations {
  private send = 0;
  private receive = 0;

  /** One direction moved: the event to raise, or null when it completes a generation already reported. */
  step(send: boolean): { generation: number; initiatedBy: 'local' | 'peer' } | null {
    if (send) this.send++; else this.receive++;
    if (this.send === this.receive) return null;
    return { generation: Math.max(this.send, this.receive), initiatedBy: this.send > this.receive ? 'local' : 'peer' };
  }
}
