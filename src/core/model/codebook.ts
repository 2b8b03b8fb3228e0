/** The codebook: ordered stages and a hierarchy of codes. Plain data, as stored in codebook.json. */

export const CODEBOOK_VERSION = 1;

export interface Stage {
  /** Stable identifier, e.g. "leadership". Never changes once annotations use it. */
  id: string;
  name: string;
  description?: string;
  /** CSS hex colour, "#rrggbb". */
  colour?: string;
  /** The researchers' memo on the stage, Markdown. */
  memo?: string;
}

export interface Code {
  /** Stable identifier, e.g. "brokering-relations". Renaming a code keeps its id. */
  id: string;
  name: string;
  definition?: string;
  whenToUse?: string;
  whenNotToUse?: string;
  example?: string;
  /** CSS hex colour, "#rrggbb"; when absent the stage's colour is used. */
  colour?: string;
  /** Id of the parent code, for a hierarchy of any depth. */
  parent?: string;
  /** Id of the stage this code belongs to. */
  stage?: string;
  /** The researchers' memo on the code (analytic notes, decisions), Markdown. */
  memo?: string;
}

export interface Codebook {
  version: number;
  name?: string;
  description?: string;
  stages: Stage[];
  codes: Code[];
}
