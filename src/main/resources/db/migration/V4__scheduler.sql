-- The release each app runs (the App entity's deployed ReleaseSpec, JSON): with the structure it
-- is the app's desired state, which the scheduler loads when it starts.
ALTER TABLE apps ADD COLUMN deployed TEXT;

-- Why a release's containers never became ready (the release stays recorded, marked failed).
ALTER TABLE releases ADD COLUMN failure TEXT;
