// Photographs the dashboard's pages for the README: node capture.mjs MODULES URL OUT CHROMIUM
import {createRequire} from 'node:module';
import path from 'node:path';

const [modules, url, out, chromium] = process.argv.slice(2);
const puppeteer = createRequire(path.join(modules, 'node_modules', 'x.js'))('puppeteer-core');

async function shoot(page, route, name, ready) {
  await page.goto(`${url}/${route}`, {waitUntil: 'networkidle2'});
  await page.waitForSelector(`main[aria-busy="false"] ${ready}`);
  await page.screenshot({path: path.join(out, `${name}.png`)});
  console.log(`${name}.png`);
}

const browser = await puppeteer.launch({executablePath: chromium, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run']});
try {
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 800});
  await shoot(page, '#/', 'overview', '.meme-card');
  await shoot(page, '#/runs', 'runs', 'table');
  const run = await page.$eval('main table a[href^="#/runs/"]', (a) => a.getAttribute('href'));
  await shoot(page, run, 'run', 'svg');
  await shoot(page, '#/confusion', 'confusion', 'table');
  await page.setViewport({width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true});
  await shoot(page, run, 'run-phone', 'svg');
} finally {
  await browser.close();
}
