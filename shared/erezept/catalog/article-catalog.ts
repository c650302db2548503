/**
 * The article catalogue seam: the dispense editor, the builders (A_27033-01: substance, strength and trade name for
 * finished products) and the simulator's prescription generator look articles up here. This version ships a
 * fictional demo catalogue; a real drug database (ABDA) can implement the same interface later.
 */
import type { Pzn } from '../identifiers';

export interface ArticleIngredient {
  /** substance name, e.g. "Ibuprofen" */
  name: string;
  strengthValue: number;
  strengthUnit: string;
  atc?: string;
}

export interface Article {
  pzn: Pzn;
  /** trade name, e.g. "Ibuflam 400 mg Filmtabletten" */
  name: string;
  /** pack size as printed, e.g. "20 St" */
  packSize: string;
  /** N1 | N2 | N3 | KTP | … */
  normSize?: string;
  /** KBV Darreichungsform code, e.g. FTA */
  form: string;
  ingredients: ArticleIngredient[];
  /** epa-drug-category: 00 drug, 01 BtM, 02 AMVV §3a (T-Rezept), 03 other */
  category: '00' | '01' | '02' | '03';
  vaccine: boolean;
  /** pack carries a securPharm code (batch + expiry are then mandatory, A_21105-02) */
  securPharm: boolean;
  manufacturer?: string;
}

export interface ArticleCatalog {
  byPzn(pzn: string): Article | undefined;
  /** case-insensitive search over trade name and substance; at most `limit` results (default 20) */
  search(text: string, limit?: number): Article[];
  /** every article (for the simulator's generator) */
  all(): readonly Article[];
}
