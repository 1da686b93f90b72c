// (5) The Arabic UI renders right to left: a browser asking for Arabic gets <html dir="rtl"
// lang="ar">, Arabic strings, and a mirrored layout (logical CSS properties); switching the
// language in the header menu is persisted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, launch, loginWithCode, openPage } from './helpers.mjs';
import { demoLogin, missing, startServer } from './server.mjs';

const skip = missing() || false;
let server; let browser;
before(async () => { if (skip) return; server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('Arabic renders right to left with a mirrored layout', { skip }, async () => {
  const page = await openPage(browser, server, { locale: 'ar', path: '/#/join' });
  try {
    await page.locator('h1', { hasText: 'الانضمام إلى منتدى' }).waitFor();
    assert.equal(await page.evaluate(() => document.dir), 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    // The heading comes first; the forum choice and the form follow once forum.list answers.
    await page.locator('.forum-choice .field label').waitFor();
    await page.locator('#join-panel form').waitFor();
    // Logical layout: the heading and the form start at the right edge of the content box,
    // the brand sits at the right end of the header.
    const layout = await page.evaluate(() => {
      const main = document.querySelector('main').getBoundingClientRect();
      const cs = getComputedStyle(document.querySelector('main'));
      const contentRight = main.right - parseFloat(cs.paddingRight);
      const contentLeft = main.left + parseFloat(cs.paddingLeft);
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('h1'));
      const h1 = range.getBoundingClientRect();
      const label = document.querySelector('.field label').getBoundingClientRect();
      const brand = document.querySelector('.brand-link').getBoundingClientRect();
      return { contentRight, contentLeft, h1, label, brand, width: innerWidth };
    });
    assert.ok(Math.abs(layout.h1.right - layout.contentRight) < 4, `heading text starts at the right: ${JSON.stringify(layout)}`);
    assert.ok(layout.h1.left > layout.contentLeft + 50, 'heading text does not start at the left');
    assert.ok(Math.abs(layout.label.right - layout.contentRight) < 4, 'labels start at the right');
    assert.ok(layout.brand.left > layout.width / 2 - 50, 'brand at the right end of the header');
    assert.equal(await page.locator('#skip-link').innerText(), 'انتقل إلى المحتوى');

    // Log in: the forum home renders in Arabic too, with the status badge in Arabic.
    await loginWithCode(page, demoLogin('delegate').code);
    assert.equal(await page.evaluate(() => document.dir), 'rtl');
    assert.match(await page.locator('#programme-h').innerText(), /البرنامج/);
    assert.match(await page.locator('#my-accreditation').innerText(), /معتمَد/);
    assert.deepEqual(page.errors, []);
  } finally {
    await closeAll([page]);
  }
});

test('the language menu switches to Arabic and back, and the choice persists', { skip }, async () => {
  const page = await openPage(browser, server, { locale: 'en-US', path: '/#/join' });
  try {
    await page.locator('h1', { hasText: 'Join a forum' }).waitFor();
    assert.equal(await page.evaluate(() => document.dir), 'ltr');
    await page.getByLabel('Language').selectOption('ar');
    await page.locator('h1', { hasText: 'الانضمام إلى منتدى' }).waitFor();
    assert.equal(await page.evaluate(() => document.dir), 'rtl');
    await page.reload();
    await page.locator('h1', { hasText: 'الانضمام إلى منتدى' }).waitFor();
    assert.equal(await page.evaluate(() => document.dir), 'rtl');
    await page.getByLabel('اللغة').selectOption('es');
    await page.locator('h1', { hasText: 'Entrar a un foro' }).waitFor();
    assert.equal(await page.evaluate(() => document.dir), 'ltr');
    assert.deepEqual(page.errors, []);
  } finally {
    await closeAll([page]);
  }
});
