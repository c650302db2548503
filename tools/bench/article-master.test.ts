/** The article master benchmark's generated file (article-master.ts): valid, as large as asked, the same every run. */
import { describe, expect, it } from 'vitest';
import { parsePzn } from '../../shared/erezept/identifiers';
import { readArticleFile } from '../../main/services/article-import';
import { benchArticleCsv, benchPzns } from './article-master';

describe('the articles-100k file', () => {
  it('has distinct valid PZNs in ascending order', () => {
    const pzns = benchPzns(2000);
    expect(new Set(pzns).size).toBe(2000);
    expect(pzns.every((p) => parsePzn(p).ok)).toBe(true);
    expect([...pzns].sort()).toEqual(pzns);
  });

  it('is a valid format-v1 file the importer takes whole, with Amlodipin articles to search for', () => {
    const pzns = benchPzns(3000);
    const csv = benchArticleCsv(pzns);
    expect(csv).toBe(benchArticleCsv(pzns));
    const read = readArticleFile(csv);
    expect(read.ok && read.file.articles.length).toBe(3000);
    expect(read.ok && read.file.articles.filter((a) => a.name.startsWith('Amlodipin')).length).toBe(75);
    expect(read.ok && read.file.articles[0]).toMatchObject({ pzn: pzns[0], ingredients: [{ name: 'Amlodipin', strengthValue: 2.5, strengthUnit: 'mg' }], securPharm: false });
  });
});
