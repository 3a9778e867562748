"""Call lists: importing client files (CSV, XLSX, text) into leads with
normalisation, hygiene and DNC scrubbing, as undoable background batches."""
