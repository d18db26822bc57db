// The cluster tests and benchmarks (issue 16) start Debian's redis-server themselves, on a free loopback
// port. Installs it with apt-get when absent and we are root; otherwise fails loudly with what to run.
import { execFileSync } from 'node:child_process';

const found = () => {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

if (!found()) {
  if (process.getuid?.() !== 0) {
    console.error(
      'ipc-anywhere tests need redis-server. Install it with: sudo apt-get install -y redis-server',
    );
    process.exit(1);
  }
  console.log('Installing Debian redis-server for the cluster tests (apt-get install redis-server)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
  if (!found()) {
    console.error('apt-get finished but redis-server is still missing.');
    process.exit(1);
  }
}
