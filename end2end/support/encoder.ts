/**
 * A real encoder for the media specs: ffmpeg publishing a small test pattern with a tone
 * (320×180, 10 frames per second, a keyframe every second) to the server's own media
 * server, as OBS would. Always stopped by the spec (`stop`), and killed with the test
 * process at the latest (`detached: false`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { e2e } from './env';

export class Encoder {
  private exited: Promise<number | null>;
  private paused = false;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts publishing to streamname `name` at `rtmpUrl` (the e2e server's), for at most `seconds`. */
  static publish(name: string, seconds = 120, rtmpUrl: string = e2e.rtmpUrl): Encoder {
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-re',
        '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10',
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
        '-t', String(seconds),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
        '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-b:v', '250k',
        '-c:a', 'aac', '-b:a', '64k', '-ar', '44100',
        '-f', 'flv', `${rtmpUrl}/${name}`,
      ],
      { stdio: 'ignore' },
    );
    return new Encoder(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the exit code once ffmpeg has ended (by itself or refused). */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /**
   * Freezes ffmpeg (SIGSTOP): it stays connected but sends nothing, as a stalled encoder
   * or a broken uplink does. {@link resume} or {@link stop} end it.
   */
  pause(): void {
    if (this.child.exitCode === null && this.child.signalCode === null && !this.paused) {
      this.child.kill('SIGSTOP');
      this.paused = true;
    }
  }

  /** Lets a paused ffmpeg go on (SIGCONT). */
  resume(): void {
    if (this.paused) {
      this.child.kill('SIGCONT');
      this.paused = false;
    }
  }

  /** Stops publishing (as an operator pressing "stop") and waits for ffmpeg to end. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // A stopped process would hold the SIGTERM until it runs again.
      this.resume();
      this.child.kill('SIGTERM');
    }
    await this.exited;
  }
}
