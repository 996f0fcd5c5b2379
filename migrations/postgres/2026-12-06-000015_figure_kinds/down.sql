-- The free text replaced by 'other' is not kept; nothing to undo.
SELECT 1;
