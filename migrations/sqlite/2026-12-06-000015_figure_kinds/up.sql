-- A figure's kind was free text; it is now one of a closed set. Earlier free
-- text becomes `other`, so that every stored value reads back as a known kind.
UPDATE meeting_speakers
SET figure_kind = 'other'
WHERE figure_kind IS NOT NULL
  AND figure_kind NOT IN ('deputy', 'scientist', 'culture', 'sport', 'other');
