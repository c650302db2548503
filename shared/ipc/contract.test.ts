import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { Article, ArticleCatalogInfo, ArticleImportSummary } from '../erezept/catalog/article-catalog';
import { demoCatalog } from '../erezept/catalog/demo-catalog';
import { articleCatalogInfoSchema, articleImportSummarySchema, articleLimits, articleSchema, contract } from './contract';

describe('the article channels (issue 19 item 2)', () => {
  it('describe exactly the interfaces of article-catalog.ts', () => {
    // type level: a field added on one side only does not compile (`tsc -p test` checks this file)
    expectTypeOf<z.output<typeof articleSchema>>().toEqualTypeOf<Article>();
    expectTypeOf<z.output<typeof articleCatalogInfoSchema>>().toEqualTypeOf<ArticleCatalogInfo>();
    expectTypeOf<z.output<typeof articleImportSummarySchema>>().toEqualTypeOf<ArticleImportSummary>();
  });

  it('carry every demo article unchanged', () => {
    for (const article of demoCatalog.all()) expect(articleSchema.parse(JSON.parse(JSON.stringify(article)))).toEqual(article);
    const withPrices = { ...demoCatalog.all()[0]!, prices: { retailCents: 1234, pharmacyPurchaseCents: 800 } };
    expect(articleSchema.parse(withPrices)).toEqual(withPrices);
    expect(articleSchema.safeParse({ ...withPrices, pzn: '1234567' }).success).toBe(false);
    expect(articleSchema.safeParse({ ...withPrices, category: '04' }).success).toBe(false);
  });

  it('look up 1–200 PZNs of 8 digits each', () => {
    const request = contract['erx:lookupArticles'].request;
    expect(request.safeParse({ pzns: ['01234567'] }).success).toBe(true);
    expect(request.safeParse({ pzns: Array.from({ length: articleLimits.lookupPzns }, () => '01234567') }).success).toBe(true);
    for (const pzns of [[], ['1234567'], ['012345678'], ['0123456x'], [' 01234567'], Array.from({ length: 201 }, () => '01234567')]) {
      expect(request.safeParse({ pzns }).success, JSON.stringify(pzns).slice(0, 40)).toBe(false);
    }
  });

  it('search with 1–100 characters and at most 50 results', () => {
    const request = contract['erx:searchArticles'].request;
    expect(request.safeParse({ text: 'amlo' }).success).toBe(true);
    expect(request.safeParse({ text: 'amlo', limit: 50 }).success).toBe(true);
    for (const wrong of [{ text: '' }, { text: 'x'.repeat(101) }, { text: 'amlo', limit: 0 }, { text: 'amlo', limit: 51 }, { text: 'amlo', limit: 2.5 }]) {
      expect(request.safeParse(wrong).success, JSON.stringify(wrong).slice(0, 40)).toBe(false);
    }
  });

  it('import a file of up to 64 MiB with a name of up to 255 characters', () => {
    const request = contract['erx:importArticles'].request;
    expect(request.safeParse({ fileName: 'artikel.csv', text: '#Artikelstamm;Version=1\n' }).success).toBe(true);
    expect(request.safeParse({ fileName: 'a'.repeat(256), text: '' }).success).toBe(false);
    expect(request.safeParse({ fileName: 'artikel.csv' }).success).toBe(false);
    expect(request.safeParse({ fileName: 'artikel.csv', text: 'x'.repeat(articleLimits.importTextChars + 1) }).success).toBe(false);
  });

  it('answer which catalogue answers and what an import did', () => {
    expect(contract['erx:articleCatalogInfo'].response.parse({ kind: 'demo', articleCount: 312 })).toEqual({ kind: 'demo', articleCount: 312 });
    const imported = { kind: 'imported', articleCount: 100_000, source: 'Muster-Datenlieferant', asOf: '2026-11-01', importedAt: '2026-11-05T09:00:00.000Z', importedBy: 'AB' };
    expect(contract['erx:articleCatalogInfo'].response.parse(imported)).toEqual(imported);
    expect(contract['erx:articleCatalogInfo'].response.safeParse({ ...imported, kind: 'abda' }).success).toBe(false);
    expect(contract['erx:importArticles'].response.safeParse({ articleCount: 3 }).success).toBe(false);
  });
});
