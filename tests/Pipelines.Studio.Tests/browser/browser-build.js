// The Chromium the browser test drives: the headless build that the pinned npm package @sparticuz/chromium carries,
// so a fresh machine needs nothing installed by hand. The package ships it brotli-compressed and inflates it into
// os.tmpdir() on first use, trusting whatever it finds there later; here it is inflated into a directory of its own
// beside the package, named by the package version, and moved into place only once complete, so a killed
// inflation or another version's binary is never launched.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const packageName = '@sparticuz/chromium';

// Flags that keep Chromium from reaching for Google's services, which this machine's closed network refuses.
const quietNetworkArgs = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

async function locate() {
  if (os.platform() !== 'linux' || os.arch() !== 'x64')
    throw new Error(`${packageName} carries a Chromium build for linux-x64 only; this machine is ${os.platform()}-${os.arch()}`);
  let build;
  let version;
  try {
    build = require(packageName);
    // The package's exports map hides its package.json from require().
    version = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', packageName, 'package.json'), 'utf8')).version;
  } catch (e) {
    throw new Error(`${packageName} is not installed beside ${__filename} (building the test project restores it with npm ci): ${e.message}`);
  }
  const cache = path.join(__dirname, 'node_modules', '.chromium');
  const target = path.join(cache, version);
  const executable = path.join(target, 'chromium');
  if (!fs.existsSync(executable)) {
    fs.mkdirSync(cache, { recursive: true });
    const partial = fs.mkdtempSync(path.join(cache, `.${version}-partial-`));
    const tmpdir = process.env.TMPDIR;
    try {
      // The package inflates into os.tmpdir(), which follows TMPDIR.
      process.env.TMPDIR = partial;
      const inflated = await build.executablePath();
      if (path.dirname(inflated) !== partial) throw new Error(`${packageName} inflated Chromium to ${inflated}, outside ${partial}`);
    } catch (e) {
      fs.rmSync(partial, { recursive: true, force: true });
      throw new Error(`could not inflate Chromium from ${packageName} ${version} into ${partial}: ${e.message}`);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmpdir;
    }
    try {
      fs.renameSync(partial, target);
    } catch (e) {
      // Another test inflated the same version first; its copy is complete, so use it.
      fs.rmSync(partial, { recursive: true, force: true });
      if (!fs.existsSync(executable)) throw e;
    }
  }
  return {
    description: `Chromium from ${packageName} ${version}`,
    executablePath: executable,
    args: [...build.args, ...quietNetworkArgs],
  };
}

module.exports = { locate };
