-- A recording is served by its file name (`/vod/<file>`): finding its stream must not
-- walk every recording of every stream.
CREATE INDEX recordings_by_file ON recordings (file_name);
